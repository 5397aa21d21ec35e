"""Exceptions. Messages are Chinese, for users; each names the file and the reason."""

from __future__ import annotations


class JixiaoError(Exception):
    """Root of every error jixiao raises on purpose."""


class IngestError(JixiaoError):
    """A file could not be read as a report.

    Attributes:
        path: the file as the user named it.
        reason: Chinese explanation of what is wrong and, where possible, what to do.
    """

    def __init__(self, path: str, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}：{reason}")


def unsupported_format(path: str, kind: str) -> IngestError:
    return IngestError(path, f"不支持的文件格式（{kind}），请提供 .docx、.pdf、.txt 或 .xlsx 文件")


def scanned_pdf(path: str) -> IngestError:
    return IngestError(path, "扫描件，暂不支持，需要 OCR（PDF 中没有可提取的文字层）")
