using System.Security.Cryptography;
using System.Text;

namespace TokenLedger.Access;

/// <summary>Keys look like <c>tl_{keyId}_{secret}</c>: the id finds the stored hash, the whole key is hashed and compared.</summary>
public static class ApiKeySecret
{
    public sealed record Generated(string KeyId, string Key, string Hash);

    public static Generated Generate()
    {
        var keyId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var key = $"tl_{keyId}_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32))}";
        return new Generated(keyId, key, Hash(key));
    }

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    public static bool Matches(string key, string expectedHash) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(key)), Encoding.ASCII.GetBytes(expectedHash));

    public static string? KeyIdOf(string key)
    {
        var parts = key.Split('_');
        // Only hex ids reach the cache or the database: anything else is refused without a lookup.
        return parts is ["tl", { Length: 16 } id, { Length: 64 } secret] && IsKeyId(id) && secret.All(char.IsAsciiHexDigit) ? id : null;
    }

    /// <summary>A stored key's id: 16 lower-case hex digits.</summary>
    public static bool IsKeyId(string? keyId) => keyId is { Length: 16 } && keyId.All(char.IsAsciiHexDigitLower);

    /// <summary>How the environment's admin key is named in events and logs: its own fingerprint, never the key.</summary>
    public static string AdminKeyId(string adminKey) => $"{AdminKeyPrefix}{Hash(adminKey)[..12]}";

    public const string AdminKeyPrefix = "admin:";
}
