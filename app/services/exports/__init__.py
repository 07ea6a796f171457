"""The registers (台账) as files that leave the building: the rows of the 办件台账, 证明台账,
居民台账, 预约台账 and 自助终端诉求台账 (typed row readers, narrowed to the reader's Scope, ID
numbers masked unless the role may see them in full), and the export itself: the workbook through
the one writer in common/xlsx.py, the A4 PDF through a renderer the caller hands in (services
never import printing), and one audit entry with the count and the filters.

May import: app.models, common, admin, cases (status names). Ranked with kiosk, imports, sync
and desk, which it does not import.
"""
