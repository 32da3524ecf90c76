"""1:1 expert consulting (issue 17, productization call): experts, requests, optimal assignment.

``models``   Expert, ConsultRequest, Pair, Unassigned, Assignment (frozen records)
``fit``      the fit score of an expert for a request (documented in docs/consulting.md)
``assign``   the optimal assignment under capacities and conflicts, keeping accepted pairs
``files``    reading E.csv / R.csv / accepted pairs
``sessions`` session logs and completion (stored through db/repositories/consulting.py)
"""
