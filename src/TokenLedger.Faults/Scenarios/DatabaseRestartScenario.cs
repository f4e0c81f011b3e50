using TokenLedger.Faults.Harness;

namespace TokenLedger.Faults.Scenarios;

/// <summary>PostgreSQL stopped without a checkpoint (-m immediate, like a crash), left down for a few seconds and started again, mid-ingest (ops/pg-restart).</summary>
public sealed class DatabaseRestartScenario(HarnessContext context, LedgerProbe probe, BrokerAdmin broker) : ServerRestartScenario(context, probe, broker)
{
    public override string Name => "db-restart";
    protected override string Server => "PostgreSQL";
    protected override string Script => "pg-restart";
    protected override IReadOnlyList<string> ScriptArguments => ["--immediate", "--down", $"{DownSeconds}"];

    protected override Task<bool> ServesAsync(CancellationToken ct) => Probe.PingAsync(ct);
}
