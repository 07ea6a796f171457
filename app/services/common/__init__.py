"""What every subject uses: ID numbers (idcard), pinyin keys, once-only counters, the audit log
and the Chinese names of its actions (audit_actions), working days and Chinese dates.

May import: app.models and the foundation (app.config, app.resources). Nothing else in
app.services: every other package builds on this one.
"""
