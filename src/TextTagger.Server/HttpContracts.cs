namespace TextTagger.Server;

// The JSON the service speaks (camelCase on the wire).

/// <summary>POST /v1/predict body: `{"texts": ["…", …]}`.</summary>
public sealed record PredictRequest(IReadOnlyList<string?>? Texts);

/// <summary>POST /v1/predict answer: the model's labels, then one prediction per text in request order.</summary>
public sealed record PredictResponse(IReadOnlyList<string> Labels, IReadOnlyList<TextPrediction> Predictions);

/// <summary>One text's probability per label (keyed by label, in label order) and the labels at or above threshold.</summary>
public sealed record TextPrediction(IReadOnlyDictionary<string, double> Probabilities, IReadOnlyList<string> Tags);

/// <summary>GET /v1/labels answer: the labels and each label's decision threshold.</summary>
public sealed record LabelsResponse(IReadOnlyList<string> Labels, IReadOnlyDictionary<string, double> Thresholds);

/// <summary>GET /healthz answer.</summary>
public sealed record HealthResponse(string Status, int Labels, bool MicroBatching);
