"""志愿服务: volunteer teams, the volunteers in them (residents or people from outside), the
activities teams hold, signing in and out by ID card, the hours each attendance counts, a
volunteer's record and the hours certificate.

A grid worker sees and changes the teams of their own grids only (a team for the whole community
is the centre's); every read that names a volunteer is audited.

May import every service package below setup (kiosk for the installation's keyed hash of an ID
number, certificates to issue the hours certificate through the register), and app.models."""
