export type Role =
  'resident' | 'merchant_staff' | 'property_auditor' | 'property_ops' | 'platform_admin';

/** Who is asking: the signed-in user with what they belong to. */
export interface Actor {
  id: string;
  role: Role;
  displayName: string;
  phone: string;
  unitId: string | null;
  communityId: string | null;
  /** A resident's service address: 小区 楼栋 房号. */
  address: string | null;
  merchantId: string | null;
  merchantRole: 'owner' | 'staff' | null;
  companyId: string | null;
}

export type ResidentActor = Actor & { role: 'resident'; unitId: string; communityId: string };
export type MerchantActor = Actor & {
  role: 'merchant_staff';
  merchantId: string;
  merchantRole: 'owner' | 'staff';
};
export type PropertyActor = Actor & {
  role: 'property_auditor' | 'property_ops';
  companyId: string;
};

export const isResident = (a: Actor): a is ResidentActor =>
  a.role === 'resident' && a.unitId !== null && a.communityId !== null;
export const isMerchantStaff = (a: Actor): a is MerchantActor =>
  a.role === 'merchant_staff' && a.merchantId !== null && a.merchantRole !== null;
export const isPropertyStaff = (a: Actor): a is PropertyActor =>
  (a.role === 'property_auditor' || a.role === 'property_ops') && a.companyId !== null;

export type PlatformAdminActor = Actor & { role: 'platform_admin' };

/** The deployment's operator: queues and processor-wide reconciliation, no tenant's people. */
export const isPlatformAdmin = (a: Actor): a is PlatformAdminActor => a.role === 'platform_admin';

/** Staff whose sessions end sooner when idle: they handle money and other people's data. */
export const isStaffRole = (role: Role): boolean =>
  role === 'property_auditor' || role === 'property_ops' || role === 'platform_admin';
