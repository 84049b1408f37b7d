import { Type } from 'typebox';
import { PublicUserSchema } from '../shared/schemas.ts';

// ASVS 2.1: at least 12 characters, up to 128, any characters, no composition rules.
const Password = Type.String({ minLength: 12, maxLength: 128, description: '12 to 128 characters; common passwords are refused' });
const Email = Type.String({ format: 'email', maxLength: 254 });

export const RegisterBody = Type.Object(
  { email: Email, password: Password, name: Type.String({ minLength: 1, maxLength: 100 }) },
  { additionalProperties: false },
);

export const LoginBody = Type.Object(
  // No policy on login: an old password that predates the policy must still be able to log in.
  { email: Type.String({ maxLength: 254 }), password: Type.String({ maxLength: 1024 }) },
  { additionalProperties: false },
);

export const RefreshBody = Type.Object({ refreshToken: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false });

export const PasswordChangeBody = Type.Object(
  { currentPassword: Type.String({ maxLength: 1024 }), newPassword: Password },
  { additionalProperties: false },
);

export const TokenPair = Type.Object({
  accessToken: Type.String(),
  tokenType: Type.Literal('Bearer'),
  expiresIn: Type.Integer({ description: 'Seconds until the access token expires' }),
  refreshToken: Type.String(),
  user: PublicUserSchema,
});
