namespace TokenLedger.Receivables.AssessingRisk;

/// <summary>
/// Expected-loss rates per aging bucket (fractions of the open amount; configuration section <c>TokenLedger:Risk</c>)
/// and the weight, in points out of 100, of each input of the risk score.
/// </summary>
public sealed class RiskOptions
{
    public const string Section = "TokenLedger:Risk";

    public decimal LossRateCurrent { get; set; } = 0.005m;
    public decimal LossRate1To30 { get; set; } = 0.02m;
    public decimal LossRate31To60 { get; set; } = 0.10m;
    public decimal LossRate61To90 { get; set; } = 0.25m;
    public decimal LossRateOver90 { get; set; } = 0.50m;

    public decimal WeightDaysPastDue { get; set; } = 40m;
    public decimal WeightPaymentDelayTrend { get; set; } = 20m;
    public decimal WeightUtilisation { get; set; } = 20m;
    public decimal WeightExposure { get; set; } = 20m;
}
