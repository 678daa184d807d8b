using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using TextTagger.Server;

namespace TextTagger.Tests.Serving;

public class ServerEndpointTests(TinyModelFixture model) : IClassFixture<TinyModelFixture>
{
    TaggerServerFactory Factory(bool microBatching = true, int maxTexts = 256, int maxLength = 20_000, long maxBody = 16 << 20) =>
        new(new TaggerServerOptions
        {
            Tagger = model.Tagger,
            MicroBatching = microBatching,
            MaxTextsPerRequest = maxTexts,
            MaxTextLength = maxLength,
            MaxRequestBodyBytes = maxBody,
        });

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Predict_returns_the_taggers_probabilities_and_tags(bool microBatching)
    {
        await using var factory = Factory(microBatching);
        using var client = factory.CreateClient();
        var response = await client.PostAsJsonAsync("/v1/predict", new { texts = TinyModelFixture.Texts });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(TinyModelFixture.Labels, json.RootElement.GetProperty("labels").EnumerateArray().Select(l => l.GetString()));
        ServerAssert.SameAsTagger(model.Tagger, TinyModelFixture.Texts, json.RootElement);
    }

    [Fact]
    public async Task Labels_health_and_openapi_answer()
    {
        await using var factory = Factory();
        using var client = factory.CreateClient();
        using var labels = JsonDocument.Parse(await client.GetStringAsync("/v1/labels"));
        Assert.Equal(TinyModelFixture.Labels, labels.RootElement.GetProperty("labels").EnumerateArray().Select(l => l.GetString()));
        Assert.Equal(0.5, labels.RootElement.GetProperty("thresholds").GetProperty("toxic").GetDouble());
        using var health = JsonDocument.Parse(await client.GetStringAsync("/healthz"));
        Assert.Equal("ok", health.RootElement.GetProperty("status").GetString());
        using var openApi = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json"));
        var paths = openApi.RootElement.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/v1/predict", out _));
        Assert.True(paths.TryGetProperty("/v1/labels", out _));
        Assert.True(paths.TryGetProperty("/healthz", out _));
    }

    public static TheoryData<string, string, int, string> BadRequests => new()
    {
        { "application/json", "{\"texts\": [\"a\",", 400, "Malformed JSON" },
        { "application/json", "", 400, "Malformed JSON" },
        { "application/json", "{\"texts\": \"not a list\"}", 400, "Malformed JSON" },
        { "application/json", "{}", 400, "Missing texts" },
        { "application/json", "null", 400, "Missing texts" },
        { "application/json", "{\"texts\": []}", 400, "No texts" },
        { "application/json", "{\"texts\": [\"ok\", null]}", 400, "Null text" },
        { "application/json", "{\"texts\": [" + string.Join(",", Enumerable.Repeat("\"w1\"", 5)) + "]}", 413, "Too many texts" },
        { "application/json", "{\"texts\": [\"" + new string('a', 101) + "\"]}", 413, "Text too long" },
        { "application/json", "{\"texts\": [\"" + new string(' ', 2000) + "\"]}", 413, "Request body too large" },
        { "text/plain", "{\"texts\": [\"good\"]}", 415, "Unsupported Media Type" },
        { "application/x-www-form-urlencoded", "texts=good", 415, "Unsupported Media Type" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Bad_requests_get_problem_details_and_the_service_keeps_serving(string contentType, string body, int status, string title)
    {
        await using var factory = Factory(maxTexts: 4, maxLength: 100, maxBody: 1000);
        using var client = factory.CreateClient();
        var response = await client.PostAsync("/v1/predict", new StringContent(body, Encoding.UTF8, contentType));
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(status, problem.RootElement.GetProperty("status").GetInt32());
        Assert.True(title == problem.RootElement.GetProperty("title").GetString(), problem.RootElement.ToString());
        Assert.False(string.IsNullOrEmpty(problem.RootElement.GetProperty("detail").GetString()));

        var after = await client.PostAsJsonAsync("/v1/predict", new { texts = new[] { "good" } });
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Theory]
    [InlineData("{\"texts\": [\"ok\", 5]}", "texts[1] must be a string (line 1, byte ")]
    [InlineData("{\"texts\": [\"ok\", {\"a\": 1}]}", "texts[1] must be a string")]
    [InlineData("{\"texts\": \"not a list\"}", "'texts' must be an array of strings")]
    [InlineData("[\"a\"]", "the body must be a JSON object {\"texts\": [\"...\"]}")]
    [InlineData("{\"texts\": [\"a\",", "the body is not valid JSON (line 1, byte ")]
    public async Task Malformed_json_is_described_in_the_requests_terms(string body, string detail)
    {
        await using var factory = Factory();
        using var client = factory.CreateClient();
        var response = await client.PostAsync("/v1/predict", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        string actual = problem.RootElement.GetProperty("detail").GetString()!;
        Assert.StartsWith(detail, actual);
        Assert.DoesNotContain("System.", actual);
    }

    [Fact]
    public async Task A_body_without_content_length_is_limited_too()
    {
        await using var factory = Factory(maxBody: 1000);
        using var client = factory.CreateClient();
        var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes("{\"texts\": [\"" + new string('a', 5000) + "\"]}")));
        content.Headers.ContentType = new("application/json");
        var response = await client.PostAsync("/v1/predict", content);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task Wrong_method_and_unknown_path_are_refused()
    {
        await using var factory = Factory();
        using var client = factory.CreateClient();
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await client.GetAsync("/v1/predict")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/v2/nothing")).StatusCode);
    }
}
