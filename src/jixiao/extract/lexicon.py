"""Kept for existing imports: the data loader is :mod:`jixiao.lexicon`."""

from jixiao.lexicon import data_cache, load_yaml, vocab, vocab_pattern, words

__all__ = ["data_cache", "load_yaml", "vocab", "vocab_pattern", "words"]
