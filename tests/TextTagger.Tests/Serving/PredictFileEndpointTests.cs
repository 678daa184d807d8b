using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using TextTagger.Server;

namespace TextTagger.Tests.Serving;

/// <summary>POST /v1/predict/file: the scored CSV of `predict --input`, and every refusal as problem details naming
/// the file's line.</summary>
public class PredictFileEndpointTests(TinyModelFixture model) : IClassFixture<TinyModelFixture>
{
    TaggerServerFactory Factory(int maxFileTexts = 10_000, int maxLength = 20_000) =>
        new(new TaggerServerOptions { Tagger = model.Tagger, MaxFileTexts = maxFileTexts, MaxTextLength = maxLength });

    static StringContent Body(string text, string mediaType) => new(text, Encoding.UTF8, mediaType);

    static async Task<string> DetailAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("detail").GetString()!;
    }

    [Fact]
    public async Task A_csv_comes_back_with_its_ids_and_the_taggers_probabilities()
    {
        await using var factory = Factory();
        using var client = factory.CreateClient();
        string[] texts = ["good nice kind", "ugly rude, angry \"hate\"", "multi\nline"];
        var csv = "id,comment_text\n" + string.Join("\n", texts.Select((t, i) => $"r{i},\"{t.Replace("\"", "\"\"")}\""));
        var response = await client.PostAsync("/v1/predict/file?name=mine.csv", Body(csv, "text/csv"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("mine.scored.csv", response.Content.Headers.ContentDisposition?.FileNameStar);
        Assert.Equal("3", response.Headers.GetValues("X-Texts-Scored").Single());
        var lines = (await response.Content.ReadAsStringAsync()).TrimEnd('\n').Split('\n');
        Assert.Equal("id," + string.Join(",", TinyModelFixture.Labels) + ",tags", lines[0]);
        var expected = model.Tagger.Predict(texts);
        for (int i = 0; i < texts.Length; i++)
        {
            var fields = lines[i + 1].Split(',');
            Assert.Equal($"r{i}", fields[0]);
            for (int l = 0; l < TinyModelFixture.Labels.Length; l++)
                Assert.Equal(expected[i].Probabilities[l], double.Parse(fields[l + 1], CultureInfo.InvariantCulture));
            Assert.Equal(string.Join("|", expected[i].Tags), fields[^1]);
        }
    }

    [Fact]
    public async Task A_text_file_is_one_text_per_line()
    {
        await using var factory = Factory();
        using var client = factory.CreateClient();
        var response = await client.PostAsync("/v1/predict/file", Body("bad\nlove\n", "text/plain"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var lines = (await response.Content.ReadAsStringAsync()).TrimEnd('\n').Split('\n');
        Assert.Equal(3, lines.Length);   // header, bad, love
        Assert.Equal(string.Join(",", TinyModelFixture.Labels) + ",tags", lines[0]);
    }

    [Fact]
    public async Task Bad_files_are_refused_with_the_line_and_nothing_is_scored()
    {
        await using var factory = Factory(maxFileTexts: 2, maxLength: 10);
        using var client = factory.CreateClient();

        var shape = await client.PostAsync("/v1/predict/file?name=c.csv", Body("id,comment_text\n1,bad\n2,x,y\n", "text/csv"));
        Assert.Equal(HttpStatusCode.BadRequest, shape.StatusCode);
        Assert.StartsWith("c.csv:3: ", await DetailAsync(shape));

        var column = await client.PostAsync("/v1/predict/file?name=c.csv", Body("id,body\n1,bad\n", "text/csv"));
        Assert.Equal("c.csv:1: no text column 'comment_text' (columns: id, body); choose one with the textColumn query parameter", await DetailAsync(column));
        var chosen = await client.PostAsync("/v1/predict/file?name=c.csv&textColumn=body", Body("id,body\n1,bad\n", "text/csv"));
        Assert.Equal(HttpStatusCode.OK, chosen.StatusCode);

        var tooMany = await client.PostAsync("/v1/predict/file?name=t.txt", Body("a\nb\nc\n", "text/plain"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooMany.StatusCode);
        Assert.StartsWith("t.txt: at most 2 texts per file; score bigger files with `texttagger predict --input FILE`", await DetailAsync(tooMany));

        var tooLong = await client.PostAsync("/v1/predict/file?name=t.txt", Body("ok\nmuch too long\n", "text/plain"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLong.StatusCode);
        Assert.Equal("t.txt:2: the text has 13 characters; at most 10 are accepted", await DetailAsync(tooLong));

        var empty = await client.PostAsync("/v1/predict/file?name=e.csv", Body("id,comment_text\n", "text/csv"));
        Assert.Equal("e.csv: the file holds no texts", await DetailAsync(empty));

        var json = await client.PostAsync("/v1/predict/file", Body("{}", "application/json"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, json.StatusCode);
        Assert.Contains("text/csv", await DetailAsync(json));

        var binary = await client.PostAsync("/v1/predict/file?name=b.txt", new ByteArrayContent([0x61, 0xff, 0x0a]) { Headers = { { "Content-Type", "text/plain" } } });
        Assert.Equal(HttpStatusCode.BadRequest, binary.StatusCode);
        Assert.StartsWith("b.txt:1", await DetailAsync(binary));
    }
}
