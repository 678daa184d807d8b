using TextTagger.ModelFiles;

namespace TextTagger.Tokenization;

/// <summary>Finds a model directory's tokenizer: its vocab.txt and casing (<see cref="ModelDirectory"/> reads them).</summary>
internal static class TokenizerFiles
{
    public static BertTokenizer Load(string directory)
    {
        if (string.IsNullOrWhiteSpace(directory))
            throw new TextTaggerException("No model given: pass a model directory.");
        if (!Directory.Exists(directory))
            throw new TextTaggerException($"Model directory not found: {directory} (pass 'minilm' or a Hugging Face model directory with a vocab.txt).");
        string vocab = Path.Combine(directory, ModelDirectory.VocabFile);
        if (!File.Exists(vocab))
            throw new TextTaggerException($"No vocab.txt in model directory {directory}: only BERT WordPiece models are supported.");
        return BertTokenizer.FromVocab(vocab, HfFiles.ReadDoLowerCase(directory));
    }
}
