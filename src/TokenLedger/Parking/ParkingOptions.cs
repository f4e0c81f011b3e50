namespace TokenLedger.Parking;

/// <summary>TokenLedger:Parking: how often a subscription tries to decide one input before parking it.</summary>
public sealed class ParkingOptions
{
    public const string Section = "TokenLedger:Parking";

    /// <summary>Attempts (1–20) to decide one input, each on a fresh copy of the account, before it is parked.</summary>
    public int Attempts { get; set; } = 5;

    public string? Invalid() => Attempts is < 1 or > 20 ? "TokenLedger:Parking:Attempts must be 1–20" : null;
}
