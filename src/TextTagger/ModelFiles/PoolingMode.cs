namespace TextTagger.ModelFiles;

/// <summary>The two ways to turn the encoder's token vectors into one vector per text.</summary>
public static class PoolingMode
{
    /// <summary>BERT's pooler: tanh(dense(hidden state of [CLS])).</summary>
    public const string Cls = "cls";

    /// <summary>Mean of the token vectors over non-padding positions (how all-MiniLM-L6-v2 was trained).</summary>
    public const string Mean = "mean";

    public static void Check(string pooling, string source)
    {
        if (pooling is not (Cls or Mean))
            throw new TextTaggerException($"{source}: pooling \"{pooling}\" is not supported (use \"{Cls}\" or \"{Mean}\").");
    }
}
