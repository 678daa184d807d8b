using Prometheus;

namespace TextTagger.Server;

/// <summary>
/// What /metrics exposes beyond prometheus-net's HTTP metrics (requests by endpoint and status code, latency
/// histograms): texts and tokens scored, forward-pass batch sizes, the admission queue's depth and wait, refusals, and
/// the served model as an info metric. One registry per server, so two servers in a process (tests) never mix counts.
/// </summary>
public sealed class ServerMetrics : IDisposable
{
    readonly ServedModel _model;

    public ServerMetrics(ServedModel model)
    {
        _model = model;
        Registry = Metrics.NewCustomRegistry();
        var factory = Metrics.WithCustomRegistry(Registry);
        TextsScored = factory.CreateCounter("texttagger_texts_scored_total", "Texts scored, by endpoint", "endpoint");
        TokensScored = factory.CreateCounter("texttagger_tokens_scored_total", "Tokens the model read ([CLS] and [SEP] included, padding not)");
        BatchTexts = factory.CreateHistogram("texttagger_batch_texts", "Texts per forward call (predict, explain and file scoring alike)",
            new HistogramConfiguration { Buckets = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512] });
        BatchTokens = factory.CreateHistogram("texttagger_batch_tokens", "Padded tokens per forward call (rows × padded length)",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(64, 2, 10) });
        QueueTexts = factory.CreateGauge("texttagger_queue_texts", "Texts admitted and not yet answered (waiting or being scored)");
        QueueWait = factory.CreateHistogram("texttagger_queue_wait_seconds", "Time from admission to the start of scoring",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.001, 2, 14) });
        Rejected = factory.CreateCounter("texttagger_rejected_total", "Requests refused or abandoned before scoring, by reason (queue_full, timeout, client_gone)", "reason");
        var info = factory.CreateGauge("texttagger_model_info", "The served model (value 1)", "model", "engine", "precision", "labels", "max_tokens");
        info.WithLabels(model.Name, model.Tagger.EngineName, model.Tagger.Precision.ToString().ToLowerInvariant(),
                        string.Join(",", model.Tagger.Labels), model.Tagger.MaxTokens?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none").Set(1);
        DotNetStats.Register(Registry);   // process_working_set_bytes and friends: RSS in a soak test
        model.Tagger.BatchScored += Observe;
    }

    void Observe(Inference.ScoredBatch batch)
    {
        TokensScored.Inc(batch.Tokens);
        BatchTexts.Observe(batch.Texts);
        BatchTokens.Observe(batch.PaddedTokens);
    }

    /// <summary>Stops listening to the tagger, which may outlive this server (a tagger handed over in the options).</summary>
    public void Dispose() => _model.Tagger.BatchScored -= Observe;

    public CollectorRegistry Registry { get; }
    public Counter TextsScored { get; }
    public Counter TokensScored { get; }
    public Histogram BatchTexts { get; }
    public Histogram BatchTokens { get; }
    public Gauge QueueTexts { get; }
    public Histogram QueueWait { get; }
    public Counter Rejected { get; }
}
