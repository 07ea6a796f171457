"""Grid management (网格管理): the tree of places and one grid's record (places, which returns the
typed records of records), the limits its fields obey (rules), its 1+9+X staff (staff), and what a
notice board prints and when it was last printed (boards).

May import: app.services.common, app.services.admin, app.services.population and the models.
"""
