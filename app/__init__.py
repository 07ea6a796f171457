"""yichuang — the front desk of a community party-service centre (党群服务中心一窗受理系统)."""

__version__ = "0.1.0"
