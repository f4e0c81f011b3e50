namespace TokenLedger.Infrastructure;

/// <summary>Ids operators choose (tenants, distributors, price books).</summary>
public static class LedgerIds
{
    public const string Pattern = @"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}\z";

    public static string Rule(string field) => $"{field} must be 1–100 letters, digits, '.', '_' or '-', starting with a letter or digit";

    public static bool IsValid(string id) => System.Text.RegularExpressions.Regex.IsMatch(id, Pattern);
}
