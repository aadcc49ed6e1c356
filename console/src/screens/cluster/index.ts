import type { ScreenDef } from '../../app/screen.ts';
import { clusterController } from './cluster-controller.ts';
import { clusterHints, clusterKey, initialCluster, reduceCluster, type ClusterAction, type ClusterState } from './cluster-state.ts';
import { ClusterView } from './cluster-view.tsx';

export const clusterScreen: ScreenDef<ClusterState, ClusterAction> = {
  id: 'cluster',
  title: 'Cluster',
  shortcut: { fkey: 'f4', letter: 'c', label: 'Cluster' },
  requiresAuth: true,
  init: () => initialCluster(),
  reduce: reduceCluster,
  onKey: clusterKey,
  busy: (s) => s.phase === 'regenerating',
  hints: clusterHints,
  View: ClusterView,
  controller: clusterController,
};
