namespace TextTagger.Streaming;

/// <summary>Where a fleet's work is: the Redis server, the input stream and its consumer group, and the streams the
/// workers write to.</summary>
public sealed record StreamOptions
{
    /// <summary>StackExchange.Redis configuration: "host:port" and any options ("host:port,password=…").</summary>
    public string Redis { get; set; } = "127.0.0.1:6379";
    public string Stream { get; set; } = "comments";
    public string Group { get; set; } = "texttagger";
    /// <summary>This worker's name in the group (default: machine name and process id).</summary>
    public string Consumer { get; set; } = $"{Environment.MachineName}-{Environment.ProcessId}";

    /// <summary>Results, one entry per input entry (default: STREAM:results).</summary>
    public string? ResultsStream { get; set; }
    /// <summary>Entries that cannot be scored, with the reason (default: STREAM:dead).</summary>
    public string? DeadLetterStream { get; set; }

    public string Results => ResultsStream ?? Stream + ":results";
    public string DeadLetters => DeadLetterStream ?? Stream + ":dead";
    /// <summary>Hash from input entry id to the entry written for it: what makes a redelivered entry write nothing.</summary>
    public string Index => Results + ":index";

    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Redis)) throw new InvalidOptionException(nameof(Redis), "is empty: give host:port");
        if (string.IsNullOrWhiteSpace(Stream)) throw new InvalidOptionException(nameof(Stream), "is empty: give a stream name");
        if (string.IsNullOrWhiteSpace(Group)) throw new InvalidOptionException(nameof(Group), "is empty: give a consumer group name");
        if (string.IsNullOrWhiteSpace(Consumer)) throw new InvalidOptionException(nameof(Consumer), "is empty: give a consumer name");
        if (Results == Stream || DeadLetters == Stream || Results == DeadLetters)
            throw new TextTaggerException("the input, results and dead-letter streams must be three different keys");
    }
}

/// <summary>How one worker reads and scores.</summary>
public sealed record WorkerOptions
{
    /// <summary>Entries read per XREADGROUP: the micro-batch.</summary>
    public int Batch { get; set; } = 64;
    /// <summary>How long to wait before reading again when the stream had nothing new. (StackExchange.Redis
    /// multiplexes one connection and never blocks it, so an idle worker polls at this interval.)</summary>
    public TimeSpan Block { get; set; } = TimeSpan.FromMilliseconds(200);
    /// <summary>Entries another consumer has held this long without acking are claimed (it is taken for dead).</summary>
    public TimeSpan ClaimIdle { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>An entry delivered this many times without being acked goes to the dead letters.</summary>
    public int MaxDeliveries { get; set; } = 5;
    public int MaxTextLength { get; set; } = 20_000;
    /// <summary>A progress line in the log this often.</summary>
    public TimeSpan ProgressInterval { get; set; } = TimeSpan.FromSeconds(10);

    public void Validate()
    {
        if (Batch < 1) throw new InvalidOptionException(nameof(Batch), $"must be at least 1, got {Batch}");
        if (Block < TimeSpan.Zero) throw new InvalidOptionException(nameof(Block), $"must be ≥ 0, got {Block.TotalMilliseconds}");
        if (ClaimIdle <= TimeSpan.Zero) throw new InvalidOptionException(nameof(ClaimIdle), $"must be > 0, got {ClaimIdle.TotalMilliseconds}");
        if (MaxDeliveries < 1) throw new InvalidOptionException(nameof(MaxDeliveries), $"must be at least 1, got {MaxDeliveries}");
        if (MaxTextLength < 1) throw new InvalidOptionException(nameof(MaxTextLength), $"must be at least 1, got {MaxTextLength}");
    }
}
