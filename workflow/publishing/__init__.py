"""Publishing: publish, correct and kill editions, the embargo life cycle, the publishing desk,
rendering, partner items (ninjs, NewsML-G2), feed caching and permalinks."""
