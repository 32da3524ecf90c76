"""Supplier companies, their solutions, matching them to a demand, and the match stages (issue 17).

``models``  Supplier, Solution, Certification, Demand (pydantic, frozen; checked on load)
``files``   reading suppliers (YAML/JSON/CSV) and a demand (JSON)
``text``    the Korean/English tokenizer (kiwipiepy) and BM25
``match``   hard filters, then facet overlap + BM25, every suggestion with its reasons
``stages``  proposed → introduced → meeting → PoC → contract, with dates
"""
