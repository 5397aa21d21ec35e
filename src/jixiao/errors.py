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


class InternalError(IngestError):
    """An unexpected failure (a bug) while analysing a file; ``cause`` is the exception. A batch goes
    on with the other files."""

    def __init__(self, path: str, cause: BaseException):
        self.cause = cause
        super().__init__(path, f"处理时发生内部错误（{type(cause).__name__}: {cause}），请将文件反馈给开发者")


class DataError(JixiaoError):
    """A data file (shipped in ``jixiao/data`` or in the user's ``--data`` folder) is invalid.

    Attributes:
        path: the file.
        problems: ``(line, message)`` pairs; ``line`` is 1-based, or None when unknown. Each
            message is Chinese followed by the English original in parentheses.
    """

    def __init__(self, path: str, problems: list[tuple[int | None, str]],
                 title: str = "数据文件无效（invalid data file）"):
        self.path = str(path)
        self.problems = problems
        lines = [f"{self.path}" + (f" 第 {line} 行（line {line}）" if line else "") + f"：{msg}"
                 for line, msg in problems]
        super().__init__(f"{title}：\n  " + "\n  ".join(lines))

    @property
    def line(self) -> int | None:
        """The line of the first problem."""
        return self.problems[0][0] if self.problems else None


def unsupported_format(path: str, kind: str) -> IngestError:
    """The error for a file whose format jixiao does not read."""
    return IngestError(path, f"不支持的文件格式（{kind}），请提供 Word（.docx/.doc/.wps）、PDF、OFD、Excel（.xlsx/.xls/.et）、文本或图片文件")


class PagesWanted(JixiaoError):
    """Not an error: a file would OCR several pages and the caller reads them itself, in parallel
    (:func:`jixiao.ingest.ocr.sharing_pages`); ``pages`` are from 0."""

    def __init__(self, source: str, pages: list[int]):
        super().__init__(f"{source}: {len(pages)} pages to OCR")
        self.source, self.pages = source, pages
