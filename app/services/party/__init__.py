"""The party register: members (residents or people registered from outside), read and changed
within the signed-in person's scope, every change and every list of members audited.

May import common, admin, population, grids and app.models."""
