using TokenLedger.Faults.Harness;

namespace TokenLedger.Faults.Scenarios;

/// <summary>RabbitMQ stopped cleanly, left down for a few seconds and started again, mid-ingest (ops/rabbit-restart).</summary>
public sealed class BrokerRestartScenario(HarnessContext context, LedgerProbe probe, BrokerAdmin broker) : ServerRestartScenario(context, probe, broker)
{
    public override string Name => "broker-restart";
    protected override string Server => "RabbitMQ";
    protected override string Script => "rabbit-restart";
    protected override IReadOnlyList<string> ScriptArguments => ["--down", $"{DownSeconds}"];

    protected override async Task<bool> ServesAsync(CancellationToken ct) =>
        await Broker.DeclarePassiveAsync(TokenLedger.Contracts.Usage.UsageContract.QueueName, ct) is not null;
}
