using TextTagger.Modeling.Pretrained;
using TextTagger.Tokenization;

namespace TextTagger.Tests.Tokenization;

/// <summary>One tokenizer over the bundled MiniLM vocab (uncased) and one Hugging Face oracle, shared by a test class.</summary>
public sealed class TokenizerFixture : IDisposable
{
    public BertTokenizer Tokenizer { get; } = BundledMiniLm.Tokenizer();
    readonly Lazy<HuggingFaceOracle> _oracle;

    public TokenizerFixture() => _oracle = new(() => new HuggingFaceOracle(Tokenizer.Vocabulary));

    public HuggingFaceOracle Oracle => _oracle.Value;

    public void Dispose()
    {
        if (_oracle.IsValueCreated) _oracle.Value.Dispose();
    }
}
