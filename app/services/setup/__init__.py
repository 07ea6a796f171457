"""Bringing a database to life: ``yichuang init`` (initialise: the current schema and the shipped
reference data, reference_data: tags, catalogue), and the deterministic synthetic demo street
(demo_street, demo_people) with its documented demo accounts and a year of history for the
reports (demo_cases, demo_case_story: cases and their events; demo_paper: certificates and
appointments).

The top of the services: may import any other services package and the models.
"""
