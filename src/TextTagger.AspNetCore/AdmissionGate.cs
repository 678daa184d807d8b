namespace TextTagger.Server;

/// <summary>
/// Backpressure: how much work the service has accepted and not yet answered, bounded by
/// <see cref="TaggerServerOptions.MaxQueueTexts"/>. A request that does not fit is refused at once (503 with
/// Retry-After) instead of waiting in an unbounded queue; one request is always admitted into an empty service,
/// whatever its size, so no request is refused forever.
/// </summary>
public sealed class AdmissionGate(TaggerServerOptions options, ServerMetrics metrics)
{
    readonly Lock _lock = new();
    long _inFlight;

    /// <summary>Work accepted and not answered, in texts (an explained text counts as its forward passes).</summary>
    public long InFlight { get { lock (_lock) return _inFlight; } }

    public long Capacity => options.MaxQueueTexts;

    /// <summary>Saturated: no more room for even one text.</summary>
    public bool Saturated => InFlight >= Capacity;

    /// <summary>A lease on <paramref name="texts"/> units of work, released when disposed; null when full.</summary>
    public Lease? TryEnter(long texts)
    {
        lock (_lock)
        {
            if (_inFlight > 0 && _inFlight + texts > Capacity) return null;
            _inFlight += texts;
            metrics.QueueTexts.Set(_inFlight);
        }
        return new Lease(this, texts);
    }

    void Release(long texts)
    {
        lock (_lock)
        {
            _inFlight -= texts;
            metrics.QueueTexts.Set(_inFlight);
        }
    }

    public sealed class Lease(AdmissionGate gate, long texts) : IDisposable
    {
        int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) gate.Release(texts);
        }
    }
}
