using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TextTagger.Modeling;

/// <summary>Hugging Face's <c>BertPreTrainedModel._init_weights</c>, one module at a time.</summary>
static class BertInit
{
    /// <param name="paddingRow">Row of an embedding to zero (the word embeddings' [PAD]), or -1.</param>
    public static void Apply(nn.Module module, double range, int paddingRow = -1)
    {
        using var noGrad = no_grad();
        switch (module)
        {
            case Linear linear:
                nn.init.normal_(linear.weight, 0, range);
                if (linear.bias is not null) nn.init.zeros_(linear.bias);
                break;
            case Embedding embedding:
                nn.init.normal_(embedding.weight, 0, range);
                if (paddingRow >= 0 && paddingRow < embedding.weight!.shape[0])
                    embedding.weight[paddingRow].zero_();
                break;
            case LayerNorm norm:
                nn.init.ones_(norm.weight);
                nn.init.zeros_(norm.bias);
                break;
        }
    }
}
