"""The paper a case produces: intake documents (intake: receipt, supplement and refusal notices),
a stored case's documents (cases), and the kiosk's slips (kiosk_slips).

May import: app.printing's shared modules, app.services and the models.
"""
