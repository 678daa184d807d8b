namespace TextTagger.Training;

/// <summary>
/// Orders training rows into batches for one epoch: shuffle all rows, then sort by token length within chunks of
/// <see cref="ChunkBatches"/> batches so each batch holds similar lengths (little padding), then shuffle the order of
/// the batches. Deterministic for (seed, epoch). With bucketing off it is a plain shuffle.
/// </summary>
public sealed class LengthBucketBatcher(IReadOnlyList<int> tokenLengths, int batchSize, bool bucketByLength, int chunkBatches = 50)
{
    public int ChunkBatches { get; } = chunkBatches;

    public int BatchesPerEpoch => (tokenLengths.Count + batchSize - 1) / batchSize;

    public IReadOnlyList<int[]> Batches(int seed, int epoch)
    {
        var random = new Random(unchecked(seed * 1_000_003 + epoch));   // not HashCode.Combine: that is salted per process
        int[] order = Enumerable.Range(0, tokenLengths.Count).ToArray();
        random.Shuffle(order);
        if (bucketByLength)
        {
            int chunk = batchSize * ChunkBatches;
            for (int start = 0; start < order.Length; start += chunk)
            {
                // Stable sort by length inside the chunk (ties keep the shuffled order).
                var part = order.AsSpan(start, Math.Min(chunk, order.Length - start));
                int[] sorted = part.ToArray().OrderBy(i => tokenLengths[i]).ToArray();
                sorted.CopyTo(part);
            }
        }
        var batches = order.Chunk(batchSize).ToArray();
        if (bucketByLength) random.Shuffle(batches);
        return batches;
    }
}
