using JasperFx.Events.Projections;
using Marten;
using Microsoft.AspNetCore.Routing;
using TokenLedger.Receivables.GettingReceivables;
using TokenLedger.Receivables.RecordingPayments;
using TokenLedger.Receivables.WritingOff;

namespace TokenLedger.Receivables;

public static class ReceivablesConfiguration
{
    public static void ConfigureReceivables(this StoreOptions opts, string schema)
    {
        opts.Projections.Snapshot<ReceivablesAccount>(SnapshotLifecycle.Inline);
        opts.Projections.Add(new ReceivablesProjection(schema), ProjectionLifecycle.Inline);
    }

    public static void MapReceivables(this IEndpointRouteBuilder app)
    {
        RecordPayment.Map(app);
        WriteOff.Map(app);
        GetReceivables.Map(app);
        AssessingRisk.GetRisk.Map(app);
        Dunning.GetDunning.Map(app);
    }
}
