using Microsoft.AspNetCore.Routing;
using TokenLedger.Reconciliation.GettingReport;
using TokenLedger.Reconciliation.Rerunning;
using TokenLedger.Reconciliation.UploadingStatement;

namespace TokenLedger.Reconciliation;

public static class ReconciliationConfiguration
{
    public static void MapReconciliation(this IEndpointRouteBuilder app)
    {
        UploadStatement.Map(app);
        GetReconciliation.Map(app);
        RerunReconciliation.Map(app);
    }
}
