import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Custom search attributes, so runs can be filtered in the Web UI (`OutboundChannel="demo"`). */
export const OutboundChannel = defineSearchAttributeKey('OutboundChannel', SearchAttributeType.KEYWORD);
export const OutboundConnection = defineSearchAttributeKey('OutboundConnection', SearchAttributeType.KEYWORD);
export const OutboundCycleOutcome = defineSearchAttributeKey('OutboundCycleOutcome', SearchAttributeType.KEYWORD);
export const OutboundChannelState = defineSearchAttributeKey('OutboundChannelState', SearchAttributeType.KEYWORD);

/** Registration list for the dev server (`--search-attribute Name=Type`). */
export const SEARCH_ATTRIBUTES = [
  { name: OutboundChannel.name, cliType: 'Keyword' },
  { name: OutboundConnection.name, cliType: 'Keyword' },
  { name: OutboundCycleOutcome.name, cliType: 'Keyword' },
  { name: OutboundChannelState.name, cliType: 'Keyword' },
] as const;
