"""Sharing to KAMP (Korea AI Manufacturing Platform, www.kamp-ai.kr), issue 17.

``citation``  the citation in KAMP's format
``guide``     the guidebook in KAMP's analysis-guide structure, written from the product's files
``bundle``    the KAMP-ready folder: data, guidebook, citation, metadata, checksums
"""
