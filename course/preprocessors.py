"""nbgrader preprocessors the course adds to nbgrader's own."""

from __future__ import annotations

from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Integer

_NOTE = "\n... [output truncated by the grader: {n:,} more characters]\n"


class LimitOutputBytes(NbGraderPreprocessor):
    """Truncate every text output to ``max_bytes`` characters.

    nbgrader's LimitOutput counts lines, so a single line of 50 MB passes through it
    into the autograded notebook and the feedback; this closes that gap.
    """

    max_bytes = Integer(100_000, help="Largest text output kept per output, in characters").tag(
        config=True
    )

    def _cut(self, text):
        if isinstance(text, list):
            text = "".join(text)
        if len(text) <= self.max_bytes:
            return text
        return text[: self.max_bytes] + _NOTE.format(n=len(text) - self.max_bytes)

    def preprocess_cell(self, cell, resources, index):
        for output in cell.get("outputs", []):
            if "text" in output:
                output["text"] = self._cut(output["text"])
            data = output.get("data", {})
            for mime in ("text/plain", "text/html", "text/markdown", "text/latex"):
                if mime in data:
                    data[mime] = self._cut(data[mime])
            if "traceback" in output:
                output["traceback"] = [self._cut(line) for line in output["traceback"]]
        return cell, resources
