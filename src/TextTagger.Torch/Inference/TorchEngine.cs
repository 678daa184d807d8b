using TextTagger.Inference.Engines;
using TextTagger.Modeling;
using TextTagger.Tokenization;
using static TorchSharp.torch;

namespace TextTagger.Inference;

/// <summary>
/// The TorchSharp engine: a <see cref="BertForMultiLabelClassification"/> in eval mode, without gradients, one
/// dispose scope per batch, the matrix products in float32 or bfloat16 (<see cref="Autocast"/>). Forward passes are
/// serialised (a module is not safe to run from two threads; libtorch uses every core for one batch anyway).
/// Training's validation scores the live model through it too.
/// </summary>
public sealed class TorchEngine : IInferenceEngine
{
    readonly BertForMultiLabelClassification _model;
    readonly ScalarType? _computeType;
    readonly IDisposable? _owner;
    readonly Lock _forward = new();

    /// <param name="owner">Disposed with the engine (the loaded model); null: the caller keeps the model.</param>
    public TorchEngine(BertForMultiLabelClassification model, ScalarType? computeType = null, IDisposable? owner = null)
    {
        _model = model;
        _computeType = computeType;
        _owner = owner;
    }

    public string Name => "torchsharp";
    public Precision Precision => ComputePrecision.Of(_computeType);
    public int LabelCount => _model.LabelCount;
    public BertForMultiLabelClassification Model => _model;

    public float[] Forward(PaddedBatch batch)
    {
        lock (_forward)
        {
            bool wasTraining = _model.training;
            _model.eval();
            try
            {
                using var noGrad = no_grad();
                using var autocast = Autocast.Enable(_computeType);
                using var scope = NewDisposeScope();
                using var inputs = EncodedBatch.From(batch);
                var logits = _model.forward(inputs.InputIds, inputs.AttentionMask, inputs.TokenTypeIds);
                return logits.to_type(ScalarType.Float32).data<float>().ToArray();
            }
            finally
            {
                if (wasTraining) _model.train();
                NativeHeap.ReleaseIfGrown();   // in a training process, validation and the final evaluation too
            }
        }
    }

    public void Dispose() => _owner?.Dispose();
}
