namespace TokenLedger.Receivables.Dunning;

/// <summary>The dunning ladder (configuration section <c>TokenLedger:Dunning</c>): days past due at which each step is taken.</summary>
public sealed class DunningOptions
{
    public const string Section = "TokenLedger:Dunning";

    /// <summary>A reminder when an invoice is this many days past due (default 7).</summary>
    public int ReminderDays { get; set; } = 7;

    /// <summary>A final notice at this many days past due (default 21).</summary>
    public int FinalNoticeDays { get; set; } = 21;

    /// <summary>The tenant is suspended (signal <c>tenant.{id}.suspended</c>) at this many days past due (default 30).</summary>
    public int SuspensionDays { get; set; } = 30;

    /// <summary>How often the ladder runs; zero or negative turns the scheduled run off.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(5);
}
