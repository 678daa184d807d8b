using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace TextTagger.Server;

/// <summary>
/// Runs an endpoint's scoring under the <see cref="AdmissionGate"/> and the per-request timeout: no room → 503 with
/// Retry-After at once; not answered within <see cref="TaggerServerOptions.RequestTimeout"/> → 503 with Retry-After
/// (the client may retry; nothing was half-answered); a client that disconnects first is counted as
/// <c>texttagger_rejected_total{reason="client_gone"}</c> and its texts are not scored if scoring has not started.
/// </summary>
static class Admission
{
    /// <summary>Seconds a refused client is told to wait: about what the admitted work takes to drain at 100 texts/s
    /// (a 2-core CPU), at least 1.</summary>
    static int RetryAfterSeconds(AdmissionGate gate) => (int)Math.Clamp(gate.InFlight / 100, 1, 60);

    public static async Task<IResult> RunAsync(HttpContext context, long units, Func<CancellationToken, Task<IResult>> score)
    {
        var services = context.RequestServices;
        var gate = services.GetRequiredService<AdmissionGate>();
        var options = services.GetRequiredService<TaggerServerOptions>();
        var metrics = services.GetRequiredService<ServerMetrics>();

        using var lease = gate.TryEnter(units);
        if (lease == null)
        {
            metrics.Rejected.WithLabels("queue_full").Inc();
            return Busy(context, gate, "Server busy",
                $"the service holds {gate.InFlight:N0} texts of work (at most {gate.Capacity:N0}); retry after the Retry-After seconds");
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        timeout.CancelAfter(options.RequestTimeout);
        try
        {
            return await score(timeout.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !context.RequestAborted.IsCancellationRequested)
        {
            metrics.Rejected.WithLabels("timeout").Inc();
            return Busy(context, gate, "Timed out",
                $"not answered within {options.RequestTimeout.TotalSeconds:0.#} s (the request timeout); retry after the Retry-After seconds");
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away: its texts are dropped from the micro-batch they wait in, and nobody reads an answer
            // (499, nginx's "client closed request", is what the HTTP metrics count).
            metrics.Rejected.WithLabels("client_gone").Inc();
            return Results.StatusCode(499);
        }
    }

    static IResult Busy(HttpContext context, AdmissionGate gate, string title, string detail)
    {
        context.Response.Headers.RetryAfter = RetryAfterSeconds(gate).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Problems.Create(StatusCodes.Status503ServiceUnavailable, title, detail);
    }
}
