namespace TokenLedger.Usage.PruningDeadLetters;

/// <summary>How long the queryable record of refused usage is kept (configuration section <c>TokenLedger:DeadLetters</c>).</summary>
public sealed class DeadLetterRetentionOptions
{
    public const string Section = "TokenLedger:DeadLetters";

    /// <summary>Rows of <c>rejected_usage</c> older than this many days are deleted (default 90; at least 1).</summary>
    public int RetentionDays { get; set; } = 90;

    /// <summary>How often old rows are deleted; zero or negative turns the scheduled run off.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);
}
