namespace TextTagger.NGram;

/// <summary>
/// The classic text classifier every comparison starts from: scikit-learn's TF-IDF of word 1–2-grams and word-bounded
/// character 2–5-grams (lower-cased, accents stripped, sublinear tf, each half L2-normalised; n-grams seen in fewer
/// than <see cref="MinCount"/> training texts dropped, at most <see cref="MaxWordFeatures"/> + <see cref="MaxCharFeatures"/>
/// kept), scaled per label by Naive Bayes log-count ratios (NB-SVM), and one L2-regularised logistic regression per
/// label (ML.NET's L-BFGS). Featurizer "ml.net" is the earlier model (format 1): ML.NET's FeaturizeText.
/// </summary>
public sealed record NGramOptions
{
    /// <summary>Longest word n-gram (all shorter ones are kept too).</summary>
    public int WordNgrams { get; init; } = 2;
    /// <summary>Longest character n-gram (all shorter ones are kept too).</summary>
    public int CharNgrams { get; init; } = 5;
    /// <summary>An n-gram is a feature only when at least this many training texts contain it (sklearn's min_df).</summary>
    public int MinCount { get; init; } = 2;
    /// <summary>"tfidf": scikit-learn's TfidfVectorizer rebuilt (model format 2, the default); "ml.net": ML.NET's
    /// FeaturizeText with <see cref="Weighting"/> (model format 1).</summary>
    public string Featurizer { get; init; } = "tfidf";
    /// <summary>"nbsvm": each feature scaled per label by its Naive Bayes log-count ratio before the logistic regression
    /// (Wang and Manning 2012); "lr": the logistic regression on the TF-IDF alone.</summary>
    public string Classifier { get; init; } = "nbsvm";
    /// <summary>NB-SVM's counts: "presence" (a feature counts 1 in each row that has it, Wang and Manning's binarized
    /// counts) or "tfidf" (its TF-IDF values summed).</summary>
    public string NaiveBayesCounts { get; init; } = "presence";
    /// <summary>Word n-grams kept at most, the most frequent (sklearn's max_features; featurizer "tfidf").</summary>
    public int MaxWordFeatures { get; init; } = 100_000;
    /// <summary>Character n-grams kept at most, the most frequent (featurizer "tfidf").</summary>
    public int MaxCharFeatures { get; init; } = 200_000;
    /// <summary>Featurizer "ml.net" only: how an n-gram's count in a text becomes its feature: "tfidf" (count × idf), "idf" (present: idf;
    /// long texts that repeat a word do not drown the rest) or "tf" (count). On the shared Jigsaw sample "idf" scored a
    /// validation mean ROC AUC of 0.9718 against 0.9686 for "tfidf" (QUALITY.md).</summary>
    public string Weighting { get; init; } = "idf";
    /// <summary>L2 weight of the logistic regressions (ML.NET sums the loss over rows: larger is simpler). 1.0 was the
    /// best for NB-SVM on the shared Jigsaw sample, 0.25 (scikit-learn's C = 4) for plain TF-IDF (QUALITY.md).</summary>
    public float L2Regularization { get; init; } = 1.0f;
    /// <summary>L-BFGS iterations at most per label.</summary>
    public int MaxIterations { get; init; } = 200;
    /// <summary>Threads of the optimiser (0: one per core).</summary>
    public int Threads { get; init; }

    public void Validate()
    {
        if (WordNgrams is < 1 or > 4) throw new InvalidOptionException(nameof(WordNgrams), $"must be in 1..4, got {WordNgrams}");
        if (CharNgrams is < 1 or > 8) throw new InvalidOptionException(nameof(CharNgrams), $"must be in 1..8, got {CharNgrams}");
        if (MinCount < 1) throw new InvalidOptionException(nameof(MinCount), $"must be ≥ 1, got {MinCount}");
        if (!(L2Regularization > 0) || float.IsInfinity(L2Regularization)) throw new InvalidOptionException(nameof(L2Regularization), $"must be > 0, got {L2Regularization}");
        if (MaxIterations < 1) throw new InvalidOptionException(nameof(MaxIterations), $"must be ≥ 1, got {MaxIterations}");
        if (Weighting is not ("tfidf" or "idf" or "tf")) throw new InvalidOptionException(nameof(Weighting), $"must be tfidf, idf or tf, got '{Weighting}'");
        if (Featurizer is not ("tfidf" or "ml.net")) throw new InvalidOptionException(nameof(Featurizer), $"must be tfidf or ml.net, got '{Featurizer}'");
        if (Classifier is not ("nbsvm" or "lr")) throw new InvalidOptionException(nameof(Classifier), $"must be nbsvm or lr, got '{Classifier}'");
        if (NaiveBayesCounts is not ("presence" or "tfidf")) throw new InvalidOptionException(nameof(NaiveBayesCounts), $"must be presence or tfidf, got '{NaiveBayesCounts}'");
        if (MaxWordFeatures < 1) throw new InvalidOptionException(nameof(MaxWordFeatures), $"must be ≥ 1, got {MaxWordFeatures}");
        if (MaxCharFeatures < 1) throw new InvalidOptionException(nameof(MaxCharFeatures), $"must be ≥ 1, got {MaxCharFeatures}");
        if (Featurizer == "tfidf" && CharNgrams < 2) throw new InvalidOptionException(nameof(CharNgrams), $"must be ≥ 2 with featurizer tfidf (char n-grams are 2..n), got {CharNgrams}");
        if (Threads < 0) throw new InvalidOptionException(nameof(Threads), $"must be ≥ 0, got {Threads}");
    }
}
