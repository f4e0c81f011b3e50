using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;

namespace TokenLedger.Api.Hosting;

/// <summary>Ready only while an AMQP connection to the broker can be held open.</summary>
public sealed class RabbitMqHealthCheck(IOptions<TokenLedgerOptions> settings) : IHealthCheck, IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private IConnection? _connection;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        await _gate.WaitAsync(ct);
        try
        {
            if (_connection is not { IsOpen: true })
            {
                if (_connection is not null) await _connection.DisposeAsync();
                var factory = new ConnectionFactory { Uri = new Uri(settings.Value.RabbitMq), ClientProvidedName = "tokenledger-health" };
                _connection = await factory.CreateConnectionAsync(ct);
            }
            return HealthCheckResult.Healthy();
        }
        catch (Exception e)
        {
            _connection = null;
            return HealthCheckResult.Unhealthy("RabbitMQ is not reachable", e);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null) await _connection.DisposeAsync();
    }
}
