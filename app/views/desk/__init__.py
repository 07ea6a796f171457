"""The front desk (前台受理): login, intake, resident panel, case list and detail."""
