"""核验证明: check a certificate someone brings back, offline, from its QR text, serial or
verification code (a QR scanner types the text into the field like a keyboard)."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QFormLayout, QLabel, QLineEdit, QPushButton

from app.services.certificates.signing import verify
from app.views.desk.context import DeskContext


class VerifyDialog(QDialog):
    def __init__(self, ctx: DeskContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("核验证明")
        self.setMinimumWidth(560)
        form = QFormLayout(self)
        self.text = QLineEdit()
        self.text.setPlaceholderText("扫描证明上的二维码，或输入证明编号、验证码")
        self.id_number = QLineEdit()
        self.id_number.setPlaceholderText("（可选）持证人身份证号，核对是否本人")
        self.check_button = QPushButton("核验")
        self.check_button.setDefault(True)
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.details = QLabel()
        self.details.setWordWrap(True)
        form.addRow("二维码/编号", self.text)
        form.addRow("身份证号", self.id_number)
        form.addRow(self.check_button)
        form.addRow(self.result)
        form.addRow(self.details)
        self.check_button.clicked.connect(self.check)
        self.text.returnPressed.connect(self.check)
        self.id_number.returnPressed.connect(self.check)

    def check(self) -> None:
        text = self.text.text().strip()
        if not text:
            return
        with self.ctx.db.sessions() as session:
            result = verify(session, text, id_number=self.id_number.text().strip() or None)
        colour = "#1d6b3a" if result.valid else "#b42318"
        verdict = "有效" if result.valid else "无效"
        self.result.setStyleSheet(f"color: {colour}; font-size: 18pt; font-weight: bold;")
        self.result.setText(f"{verdict}：{result.reason}")
        parts = [
            f"编号 {result.serial}" if result.serial else "",
            result.title or result.template_code or "",
            f"开具日期 {result.issue_date}" if result.issue_date else "",
            f"持证人 {result.holder_name_masked}" if result.holder_name_masked else "",
            f"出具单位 {result.issuer}" if result.issuer else "",
        ]
        self.details.setText("　".join(p for p in parts if p))
        self.text.selectAll()
