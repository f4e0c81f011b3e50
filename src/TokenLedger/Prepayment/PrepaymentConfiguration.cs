using Microsoft.AspNetCore.Routing;
using TokenLedger.Prepayment.GettingExposure;
using TokenLedger.Prepayment.GettingPrepayment;
using TokenLedger.Prepayment.RecordingDeposits;
using TokenLedger.Prepayment.SettingThreshold;

namespace TokenLedger.Prepayment;

public static class PrepaymentConfiguration
{
    public static void MapPrepayment(this IEndpointRouteBuilder app)
    {
        RecordDeposit.Map(app);
        SetPrepaymentThreshold.Map(app);
        GetPrepayment.Map(app);
        GetExposure.Map(app);
    }
}
