using TextTagger.Modeling.Pretrained;
using System.Diagnostics;
using TextTagger.Tests.Tokenization;
using TextTagger.Tokenization;

namespace TextTagger.Bench.Benchmarks;

/// <summary>
/// Tokens per second over the shared comments at max length 512: our tokenizer on one thread and as all-core
/// batches (tensors included), against Hugging Face's Rust tokenizer (Tokenizers.DotNet, one thread) in the same run.
/// </summary>
sealed class TokenizerBenchmark : IBenchmark
{
    public string Name => "tokenizer";
    public string Description => "tokens/s of BertTokenizer (1 thread, all cores) vs Hugging Face's Rust tokenizer [--data CSV] [--runs N] [--batch N]";

    public int Run(string[] args)
    {
        string csv = BenchData.Option(args, "--data", BenchData.DefaultCsv());
        int runs = int.Parse(BenchData.Option(args, "--runs", "5"));
        int batchSize = int.Parse(BenchData.Option(args, "--batch", "32"));
        var texts = BenchData.ReadComments(csv);
        var tokenizer = BundledMiniLm.Tokenizer();
        using var oracle = new HuggingFaceOracle(tokenizer.Vocabulary);
        const int max = 512;

        Console.WriteLine($"{texts.Length} comments, max {max} tokens, {Environment.ProcessorCount} cores, best of {runs} runs");
        var single = Measure(runs, () => texts.Sum(t => (long)tokenizer.Encode(t, max).Length));
        var batched = Measure(runs, () =>
        {
            long tokens = 0;
            for (int start = 0; start < texts.Length; start += batchSize)
            {
                var batch = tokenizer.EncodeBatch(new ArraySegment<string>(texts, start, Math.Min(batchSize, texts.Length - start)), max);
                tokens += batch.Lengths.Sum();
            }
            return tokens;
        });
        var allAtOnce = Measure(runs, () =>
        {
            var lengths = new long[texts.Length];
            Parallel.For(0, texts.Length, i => lengths[i] = tokenizer.Encode(texts[i], max).Length);
            return lengths.Sum();
        });
        var huggingFace = Measure(runs, () => texts.Sum(t => (long)oracle.Encode(t).Length));
        if (single.Tokens != huggingFace.Tokens || single.Tokens != batched.Tokens || single.Tokens != allAtOnce.Tokens)
            Console.Error.WriteLine($"warning: token totals differ: {single.Tokens} {batched.Tokens} {allAtOnce.Tokens} {huggingFace.Tokens}");

        Console.WriteLine($"| tokenizer | time (s) | tokens/s | vs Hugging Face |");
        Console.WriteLine($"|---|---|---|---|");
        Row("BertTokenizer.Encode, 1 thread", single, huggingFace);
        Row($"BertTokenizer.Encode, Parallel.For, {Environment.ProcessorCount} cores", allAtOnce, huggingFace);
        Row($"BertTokenizer.EncodeBatch({batchSize}) → padded ids, all cores", batched, huggingFace);
        Row("Hugging Face tokenizers (Rust, Tokenizers.DotNet), 1 thread", huggingFace, huggingFace);
        return 0;
    }

    static void Row(string name, (long Tokens, double Seconds) result, (long Tokens, double Seconds) reference) =>
        Console.WriteLine($"| {name} | {result.Seconds:F3} | {result.Tokens / result.Seconds / 1e6:F2} M | {reference.Seconds / result.Seconds:F1}× |");

    static (long Tokens, double Seconds) Measure(int runs, Func<long> work)
    {
        long tokens = work(); // warm-up (JIT, buffers)
        double best = double.MaxValue;
        for (int run = 0; run < runs; run++)
        {
            var clock = Stopwatch.StartNew();
            tokens = work();
            best = Math.Min(best, clock.Elapsed.TotalSeconds);
        }
        return (tokens, best);
    }
}
