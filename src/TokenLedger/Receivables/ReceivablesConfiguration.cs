using JasperFx.Events.Projections;
using Marten;

namespace TokenLedger.Receivables;

public static class ReceivablesConfiguration
{
    public static void ConfigureReceivables(this StoreOptions opts, string schema)
    {
        opts.Projections.Snapshot<ReceivablesAccount>(SnapshotLifecycle.Inline);
        opts.Projections.Add(new ReceivablesProjection(schema), ProjectionLifecycle.Inline);
    }
}
