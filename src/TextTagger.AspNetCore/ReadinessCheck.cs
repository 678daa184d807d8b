using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace TextTagger.Server;

/// <summary>/healthz/ready: the model is loaded (it is, once this exists: the server loads it before listening) and
/// the admission queue has room. A load balancer sends new work elsewhere while this says Unhealthy (503).</summary>
sealed class ReadinessCheck(ServedModel model, AdmissionGate gate) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        string state = $"model {model.Name}; {gate.InFlight:N0} of {gate.Capacity:N0} texts of work admitted";
        return Task.FromResult(gate.Saturated ? HealthCheckResult.Unhealthy("saturated: " + state) : HealthCheckResult.Healthy(state));
    }
}
