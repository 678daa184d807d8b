using TextTagger.Data;
using TextTagger.Export;
using TextTagger.Inference;
using TextTagger.Training;

// dotnet run -- DATA.csv OUT_DIR: fine-tune the bundled MiniLM a few steps, export it to int8 ONNX, predict.
string data = args[0], output = args[1];

var rows = CsvDatasetReader.Load(data);                                   // texts with 0/1 label columns
var training = new TrainingOptions { Epochs = 1, MaxSteps = 3, BatchSize = 8, MaxTokens = 64 };
var progress = new Progress<TrainingStep>(step => Console.WriteLine($"step {step.GlobalStep}: loss {step.Loss:F4}"));
var summary = new Trainer(rows, training, output, new TrainingReporter(progress)).Run();

string model = Path.Combine(output, Trainer.ModelFolder), exported = Path.Combine(output, "onnx-int8");
OnnxExporter.Export(model, exported, new OnnxExportOptions { Quantize = OnnxQuantization.Int8 });

using var tagger = Tagger.Load(exported);                                 // ONNX Runtime: no libtorch needed
Prediction p = tagger.Predict("You are such a loser!");
Console.WriteLine($"labels: {string.Join(",", tagger.Labels)}");
Console.WriteLine($"probabilities: {string.Join(",", p.Probabilities.Select(x => x.ToString("R", System.Globalization.CultureInfo.InvariantCulture)))}");

using var trained = Tagger.Load(model);                                   // the TorchSharp weights, as trained
Console.WriteLine($"torch: {string.Join(",", trained.Predict("You are such a loser!").Probabilities.Select(x => x.ToString("R", System.Globalization.CultureInfo.InvariantCulture)))}");

ITagger service = tagger;                                                 // what DI hands out; tests substitute it
var many = await service.PredictAsync(["have a nice day", "You are such a loser!"]);
Console.WriteLine($"async: {many.Count} predictions, tags of the second: [{string.Join(",", many[1].Tags)}]");
Console.WriteLine($"validation mean ROC AUC after {summary.Steps} steps: {summary.BestValidationMeanRocAuc?.ToString("F4") ?? "n/a"}");
