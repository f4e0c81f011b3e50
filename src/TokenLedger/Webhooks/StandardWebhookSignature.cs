using System.Security.Cryptography;
using System.Text;

namespace TokenLedger.Webhooks;

/// <summary>
/// Signing per the Standard Webhooks specification (standardwebhooks.com): a secret is <c>whsec_</c> followed by the
/// base64 of 24 random bytes; a signature is <c>v1,</c> and the base64 HMAC-SHA256, keyed by those bytes, of
/// <c>{webhook-id}.{webhook-timestamp}.{body}</c>. Several signatures (secret rotation) are separated by spaces.
/// </summary>
public static class StandardWebhookSignature
{
    public const string SecretPrefix = "whsec_";

    public static string NewSecret() => SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));

    public static bool IsSecret(string? text)
    {
        if (text is null || !text.StartsWith(SecretPrefix, StringComparison.Ordinal)) return false;
        var bytes = new byte[64];
        return Convert.TryFromBase64String(text[SecretPrefix.Length..], bytes, out var n) && n is >= 24 and <= 64;
    }

    public static string Sign(string secret, string messageId, long timestamp, string body)
    {
        var key = Convert.FromBase64String(secret.StartsWith(SecretPrefix, StringComparison.Ordinal) ? secret[SecretPrefix.Length..] : secret);
        var mac = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{messageId}.{timestamp}.{body}"));
        return "v1," + Convert.ToBase64String(mac);
    }

    /// <summary>The <c>webhook-signature</c> header value: one signature per secret, space-separated.</summary>
    public static string Header(IEnumerable<string> secrets, string messageId, long timestamp, string body) =>
        string.Join(' ', secrets.Select(s => Sign(s, messageId, timestamp, body)));
}
