// Claude Managed Agents: agents, environments and sessions with version pinning and session-local tool updates, and the vaults, credentials, files, memory stores, skills and deployments around them.
package anthropic
