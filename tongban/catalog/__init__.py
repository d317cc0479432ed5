"""The service catalog: items, versioned implementations (guides), where and how they can be received,
the agreements between regions, the 通办 list's batches, search and the best-standard comparison."""
